"""The light phone pages (ballot, walk-in registration, participants' posts): plain HTML from templates."""
