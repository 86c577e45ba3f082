"""Defences of signing in: who is asking (the client's address behind trusted proxies), how many
failed attempts lock whom out (django-axes, ``lockout``), and the security log of sign-ins and
password changes (``log``)."""
