"""Traffic and sales KPIs: the metric registry, computation, targets and the KPI report builder."""
