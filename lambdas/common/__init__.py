"""Runtime code shared by every Lambda: configuration, clients, Timestream writing, batch processing, Connect reads."""
