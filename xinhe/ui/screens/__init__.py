"""One module per screen; the main window only assembles them."""
