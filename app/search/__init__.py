"""Search: cases and referrals by name, date of birth, crime or referral reference, in
each role's scope."""
