"""Qt widgets: the main window, views, dialogs and item models over the store."""
