"""Technology demands: what enterprises need, moderated and shown on the demand board."""
