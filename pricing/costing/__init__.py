"""Cost to serve: weeks, service targets, Erlang C staffing and capacity, desks, workloads, the engine and its tables."""
