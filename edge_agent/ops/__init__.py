"""Keeping an installed box: backup and restore, schema versions, `doctor`."""
