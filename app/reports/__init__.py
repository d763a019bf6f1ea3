"""The performance framework: aggregate reports for supervisors and analysts."""
