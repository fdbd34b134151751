"""Mobile units, positions, tasks and notices, shifts and patrol zones."""
