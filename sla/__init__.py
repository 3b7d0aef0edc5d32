"""Response SLAs: first-response time of every lead, policies per source/type/campaign, warnings and escalations."""
