"""Load the knowledge base when the action server starts, so the first question is fast.

rasa_sdk imports every module of this package at start-up; the server reports healthy only
after this import, which is how `tnw run` knows the index and model are loaded. Unit tests
import the actions without TNW_ACTIONS_WARMUP and load the knowledge base on first use.
"""
import os

if os.environ.get("TNW_ACTIONS_WARMUP") == "1":
    from actions.kb_client import knowledge_base

    knowledge_base()
