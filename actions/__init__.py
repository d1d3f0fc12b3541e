"""Rasa custom actions, served by the action server (`python -m rasa_sdk --actions actions`).

rasa_sdk imports every module of this package and registers each Action subclass it finds.
"""
