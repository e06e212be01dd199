"""Models of this app arrive with their own issue; the app is installed so that its
migrations, admin and URLs have a home from the start."""
