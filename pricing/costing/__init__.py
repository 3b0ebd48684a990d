"""Cost to serve: weeks, service targets, Erlang C staffing and capacity tables, desks,
workloads, the cost engine and its tables."""
