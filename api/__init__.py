"""The HTTP API of the assistant for the mobile app and the portals' chat widgets."""
