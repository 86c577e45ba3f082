"""Passwords and e-mail addresses: changing and resetting a password, confirming the address a
person signed up with, and the offline check against common and breached passwords."""
