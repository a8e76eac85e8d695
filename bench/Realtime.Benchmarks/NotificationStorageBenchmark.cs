using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Realtime.Grains;
using Realtime.Grains.Hosting;
using Realtime.Grains.Notifications;
using Realtime.Testing;
using StackExchange.Redis;

namespace Realtime.Benchmarks;

/// <summary>
/// What accepting a notification and marking one read cost with N notifications kept for the
/// user, on a real Redis: the notification grain as it stores them (pages and an index), beside
/// the reference of writing the whole list on every change (how the grain stored them before), in
/// the same run. Each N runs on its own silo with Notifications:MaxPerUser = N, so the user stays
/// at N kept (each accept past the bound removes one). Bytes are Redis' own count of what it
/// received (INFO total_net_input_bytes) over the operations, divided by their number.
/// </summary>
public static class NotificationStorageBenchmark
{
    public sealed record Row(string Storage, int Kept, string Operation, int Ops, double MeanMs, double P50Ms, double P99Ms, double BytesPerOp);

    public static async Task<List<Row>> RunAsync(int kept, int ops)
    {
        var redis = RedisServer.ConnectionString;
        await using var system = await RealtimeSystem.StartEmbeddedAsync(
            environment: "Production",
            siloSettings: new Dictionary<string, string?>
            {
                ["Silo:Persistence"] = "Redis",
                ["Cluster:RedisConnectionString"] = redis,
                ["Notifications:MaxPerUser"] = kept.ToString(CultureInfo.InvariantCulture),
            });
        using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis},allowAdmin=true");
        var server = connection.GetServers()[0];
        var notifications = new NotificationService(system.EdgeService<IClusterClient>());
        var workspaceId = $"bench-{Guid.NewGuid():N}";
        var userId = "reader";
        var grain = system.EdgeService<IClusterClient>().GetGrain<INotificationGrain>(RealtimeIds.UserInWorkspace(workspaceId, userId));

        for (var i = 0; i < kept; i++)
        {
            await notifications.SendNotification(userId, workspaceId, NotificationTypes.Message, $"fill {i}", "a message of a typical length for a notification");
        }

        var rows = new List<Row>();
        rows.Add(await MeasureAsync("pages (grain)", kept, "accept", ops, server, _ =>
            notifications.SendNotification(userId, workspaceId, NotificationTypes.Message, "measured", "a message of a typical length for a notification")));
        var unread = (await grain.List(null, kept, unreadOnly: true)).Notifications.Select(n => n.Id).ToList();
        var toRead = Spread(unread, ops);
        rows.Add(await MeasureAsync("pages (grain)", kept, "mark read", toRead.Count, server, i => grain.MarkRead(toRead[i])));

        // The reference: the same notifications as one list, written whole on every change.
        var storage = system.SiloService<IServiceProvider>().GetRequiredKeyedService<IGrainStorage>(StorageNames.Realtime);
        var list = new NotificationState { Items = (await grain.List(null, kept, unreadOnly: false)).Notifications.Reverse().Select(Stored).ToList() };
        var record = new GrainState<NotificationState>(list);
        var referenceId = GrainId.Create("notificationreference", workspaceId);
        await storage.WriteStateAsync("notifications", referenceId, record);
        var next = list.Items[^1].Sequence;
        var template = list.Items[^1].Notification;
        rows.Add(await MeasureAsync("whole list (reference)", kept, "accept", ops, server, _ =>
        {
            next++;
            list.Items.Add(new StoredNotification(next, template with { Id = $"{next}-x", Read = false }));
            list.Items.RemoveAt(0);
            return storage.WriteStateAsync("notifications", referenceId, record);
        }));
        rows.Add(await MeasureAsync("whole list (reference)", kept, "mark read", ops, server, i =>
        {
            var index = (int)((long)i * (list.Items.Count - 1) / Math.Max(1, ops - 1));
            list.Items[index] = list.Items[index] with { Notification = list.Items[index].Notification with { Read = true } };
            return storage.WriteStateAsync("notifications", referenceId, record);
        }));
        await storage.ClearStateAsync("notifications", referenceId, record);
        return rows;
    }

    private static StoredNotification Stored(Notification notification) =>
        new(long.Parse(notification.Id.AsSpan(0, notification.Id.IndexOf('-', StringComparison.Ordinal)), CultureInfo.InvariantCulture), notification);

    /// <summary>Up to <paramref name="count"/> ids spread over the whole list, old and new.</summary>
    private static List<string> Spread(List<string> ids, int count) =>
        ids.Count <= count ? ids : Enumerable.Range(0, count).Select(i => ids[(int)((long)i * (ids.Count - 1) / (count - 1))]).Distinct().ToList();

    private static async Task<Row> MeasureAsync(string storage, int kept, string operation, int ops, IServer server, Func<int, Task> op)
    {
        var times = new double[ops];
        var before = await InputBytesAsync(server);
        for (var i = 0; i < ops; i++)
        {
            var clock = Stopwatch.StartNew();
            await op(i);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }

        var bytes = await InputBytesAsync(server) - before;
        Array.Sort(times);
        return new Row(storage, kept, operation, ops, times.Average(), Percentile(times, 0.50), Percentile(times, 0.99), (double)bytes / ops);
    }

    private static async Task<long> InputBytesAsync(IServer server)
    {
        var stats = await server.InfoAsync("stats");
        return long.Parse(stats.SelectMany(g => g).Single(p => p.Key == "total_net_input_bytes").Value, CultureInfo.InvariantCulture);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
