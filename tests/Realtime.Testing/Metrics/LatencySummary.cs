namespace Realtime.Testing.Metrics;

/// <summary>Percentiles of a latency histogram, in milliseconds.</summary>
public sealed record LatencySummary(long Count, double P50, double P95, double P99, double Max, double Mean);
