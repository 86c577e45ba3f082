"""A second factor for logging in: an authenticator app (TOTP, django-otp) with ten one-time
recovery codes.

Required of staff, operators and members of financial institutions (``policy``), optional
for everyone else. Whoever has one passes it after the password before doing anything else
(``middleware``); payouts and signing a contract also need one passed within the last
``IPX_STEP_UP_MINUTES`` (``stepup``).
"""
