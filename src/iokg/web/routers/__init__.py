"""One router per family of HTML pages."""
