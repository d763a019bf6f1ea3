"""Cases: intake, eligibility, needs assessment, contract and conditions, outcome."""
