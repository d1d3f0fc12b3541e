"""Start Rasa's own command line (`rasa run ...`) with one fix for its hot path applied.

Rasa checks every action-server response with `jsonschema.validate`, which first validates
the *schema* against the JSON-Schema meta-schema, every time: 12 ms per custom action on our
machine, against 0.5 ms for checking the response itself. `validate_with_checked_schema`
checks each distinct schema once per process and then validates the instance exactly as
`jsonschema.validate` does (same validator class, same errors raised).

Loading a trained DIET model builds its weights by training one step on one example first
(`RasaModel.load`); in graph mode that traces the whole training graph, ~40 of the ~45 s the
Rasa server needed to start on 2 cores. `load_with_eager_build` takes that one step eagerly (same
variables, no tracing), then loads the trained weights and switches back to graph mode before the
first prediction, so answering is exactly as fast and as exact as before.

The HTTP API's auth token comes from the environment (`TNW_RASA_AUTH_TOKEN`), not from the
command line, which every user of the machine can read with `ps`: it is added to Rasa's
arguments inside this process (/proc/<pid>/cmdline keeps showing the original ones).
"""
from __future__ import annotations

import json
import os
import sys

import jsonschema
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

from rasa_addons.shared_secret import with_auth_token

_checked: set[str] = set()


def validate_with_checked_schema(instance, schema, cls=None, *args, **kwargs):
    """`jsonschema.validate`, checking a given schema only the first time it is seen."""
    if cls is None:
        cls = validator_for(schema)
    key = f"{cls.__name__}:{json.dumps(schema, sort_keys=True, default=repr)}"
    if key not in _checked:
        cls.check_schema(schema)  # raises SchemaError for a broken schema, as before
        _checked.add(key)
    error = best_match(cls(schema, *args, **kwargs).iter_errors(instance))
    if error is not None:
        raise error


def load_with_eager_build(cls, model_file_name, model_data_example, predict_data_example=None,
                          finetune_mode=False, *args, **kwargs):
    """`RasaModel.load` (Rasa 3.6.21) with its weight-building step run eagerly."""
    import tensorflow as tf
    from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
    from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator

    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=True)
    model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
    model.load_weights(model_file_name)
    # Rasa's own prediction path reads Keras' `_run_eagerly`: back to what the config asks.
    model._run_eagerly = bool(config.get(RUN_EAGERLY))
    if not finetune_mode and predict_data_example:
        model.run_inference(predict_data_example)  # traces the prediction graph once, as Rasa does
    return model


def install() -> None:
    # Rasa imports `validate` from jsonschema inside the function that uses it, at call time.
    jsonschema.validate = validate_with_checked_schema
    from rasa.utils.tensorflow.models import RasaModel

    RasaModel.load = classmethod(load_with_eager_build)


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *with_auth_token(sys.argv[1:], os.environ)]
    rasa_main()


if __name__ == "__main__":
    main()
