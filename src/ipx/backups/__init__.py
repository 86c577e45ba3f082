"""Backups and their restore: ``ipx backup DEST`` saves the database (a consistent snapshot
while the site serves), the private and public files and, when asked, the registry's signing
key encrypted with a passphrase, with a manifest that lets ``ipx restore SRC`` check every
byte before it writes anything into an empty installation."""
