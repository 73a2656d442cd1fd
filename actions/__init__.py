"""Custom actions for the GSDOA bot, one module per feature (run by the Rasa SDK action server)."""
