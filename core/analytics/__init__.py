"""Analytics: a creator's revenue, messages and new fans per UTC day, top fans and campaigns."""
