"""The benchmark behind `make bench`: quality, reply latency, cold start and memory."""
