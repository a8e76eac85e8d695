// A .NET backend and a .NET client using Realtime.Orleans through its packages alone: the backend
// sends notifications through the cluster client and the HTTP API, the client receives them. It
// reports each step as a JSON line on stdout for PackageConsumerTests. Settings come from the
// environment, as in production:
//   Cluster__ClusterId, Cluster__ServiceId, Cluster__GatewayPort (or Cluster__Clustering=Redis, ...)
//   RealtimeApi__BaseAddress, RealtimeApi__ServiceToken
//   RealtimeClient__EdgeUrl, RealtimeClient__WorkspaceId, RealtimeClient__AccessToken (a member's token)
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Realtime.Backend;
using Realtime.Backend.Http;
using Realtime.Client;
using Realtime.Grains.Notifications;

var builder = Host.CreateApplicationBuilder(args);
builder.AddRealtimeCluster();
builder.Services.AddRealtimeHttpApi(builder.Configuration);
builder.Services.AddRealtimeClient(builder.Configuration);
using var host = builder.Build();
await host.StartAsync();

// The client: the user's notifications, live.
var client = host.Services.GetRequiredService<RealtimeClient>();
var received = new ConcurrentDictionary<string, TaskCompletionSource>();
client.Notifications.NotificationReceived += n => Arrival(n.Id).TrySetResult();
await client.Notifications.StartAsync();
var connected = client.Notifications.ConnectionId;
var workspaceId = builder.Configuration["RealtimeClient:WorkspaceId"]!;
var userId = builder.Configuration["CONSUMER_USER"] ?? "alice";
Report("connected", new { workspaceId, connectionId = connected });

// Inside the cluster's network: the service from DI, over the Orleans cluster client.
var notifications = host.Services.GetRequiredService<NotificationService>();
var sent = await notifications.SendApprovalNotification(userId, workspaceId, "carol", "Friday's campaign");
await Arrival(sent.Id).Task.WaitAsync(TimeSpan.FromSeconds(30));
Report("cluster", new { id = sent.Id, received = true });

// Outside it: the typed client of the HTTP API.
var api = host.Services.GetRequiredService<RealtimeHttpApi>();
var overHttp = await api.SendNotificationAsync(userId, workspaceId, NotificationTypes.Mention, "Mentioned", "@alice over HTTP");
await Arrival(overHttp.Id).Task.WaitAsync(TimeSpan.FromSeconds(30));
Report("http", new { id = overHttp.Id, received = true });

try
{
    await api.SendNotificationAsync(userId, workspaceId, NotificationTypes.Mention, "", "a notification without a title");
    Report("refused", new { status = 0 });
}
catch (RealtimeApiException refused)
{
    Report("refused", new { status = (int?)refused.StatusCode, fields = refused.Errors.Keys });
}

await client.DisposeAsync();
await host.StopAsync();

TaskCompletionSource Arrival(string id) => received.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

static void Report(string step, object result) =>
    Console.WriteLine(JsonSerializer.Serialize(new { step, result }, JsonSerializerOptions.Web));
