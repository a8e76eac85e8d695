using System.Globalization;

namespace Realtime.LoadTest.Systems;

/// <summary>The GC heap size a host reports on its Prometheus endpoint, if it reports one.</summary>
public static class PrometheusGcHeap
{
    public static async Task<long?> ReadBytesAsync(Uri host)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string text;
        try
        {
            text = await http.GetStringAsync(new Uri(host, Realtime.Grains.Hosting.HostEndpoints.Prometheus));
        }
        catch (HttpRequestException)
        {
            return null;
        }

        // .NET's runtime meter: dotnet_gc_last_collection_heap_size_bytes{gc_heap_generation="gen0"...}, one series per generation.
        long total = 0;
        var found = false;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("dotnet_gc_last_collection_heap_size_bytes", StringComparison.Ordinal)
                || line.StartsWith("process_runtime_dotnet_gc_heap_size_bytes", StringComparison.Ordinal))
            {
                // name{labels} value [timestamp]
                var afterLabels = line.Contains('}') ? line[(line.IndexOf('}') + 1)..] : line[line.IndexOf(' ')..];
                var value = afterLabels.Trim().Split(' ')[0];
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var bytes))
                {
                    total += (long)bytes;
                    found = true;
                }
            }
        }

        return found ? total : null;
    }
}
