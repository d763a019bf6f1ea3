"""Your tasks: what needs each user's action now (rules, queries, the queue, its page and
API), worked out from the records at each request."""
