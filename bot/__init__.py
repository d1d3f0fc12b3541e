"""Front ends: the terminal chat and the Telegram bot, both relaying to the Rasa REST webhook."""
