"""Code that runs inside the Rasa server process (.venv/engine), not in our app environment.

Only Rasa, its own dependencies and the pure `safety` package may be imported here. `tnw` starts the server through
`python -m rasa_addons.serve` and names the tracker store in endpoints.yml.
"""
