"""Core of the virtual dialog office: text, classifier, dialog and knowledge store."""
