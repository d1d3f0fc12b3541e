"""Safety checks that come before every other reading of a message.

Pure Python with no imports of ours, so the Rasa engine (`rasa_addons.crisis_detector`), the
action server (`actions.crisis`) and the front ends can all use the same check and the same
replies.
"""
