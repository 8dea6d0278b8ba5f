"""Delivered, not only displayed: subscriptions, the messages each recipient is due, and the channels that carry them."""
