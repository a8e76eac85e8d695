// A .NET backend using Realtime.Orleans through its packages alone. It reports each step as a JSON
// line on stdout for PackageConsumerTests. Settings come from the environment, as in production:
//   Cluster__ClusterId, Cluster__ServiceId, Cluster__GatewayPort (or Cluster__Clustering=Redis, ...)
//   RealtimeApi__BaseAddress, RealtimeApi__ServiceToken
//   CONSUMER_WORKSPACE, CONSUMER_USER
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Realtime.Backend;
using Realtime.Backend.Http;
using Realtime.Grains.Notifications;

var workspaceId = Environment.GetEnvironmentVariable("CONSUMER_WORKSPACE") ?? "w1";
var userId = Environment.GetEnvironmentVariable("CONSUMER_USER") ?? "alice";

var builder = Host.CreateApplicationBuilder(args);
builder.AddRealtimeCluster();
builder.Services.AddRealtimeHttpApi(builder.Configuration);
using var host = builder.Build();
await host.StartAsync();

// Inside the cluster's network: the service from DI, over the Orleans cluster client.
var notifications = host.Services.GetRequiredService<NotificationService>();
var sent = await notifications.SendApprovalNotification(userId, workspaceId, "carol", "Friday's campaign");
Report("cluster", new { id = sent.Id });

// Outside it: the typed client of the HTTP API.
var api = host.Services.GetRequiredService<RealtimeHttpApi>();
var overHttp = await api.SendNotificationAsync(userId, workspaceId, NotificationTypes.Mention, "Mentioned", "@alice over HTTP");
Report("http", new { id = overHttp.Id });

try
{
    await api.SendNotificationAsync(userId, workspaceId, NotificationTypes.Mention, "", "a notification without a title");
    Report("refused", new { status = 0 });
}
catch (RealtimeApiException refused)
{
    Report("refused", new { status = (int?)refused.StatusCode, fields = refused.Errors.Keys });
}

await host.StopAsync();

static void Report(string step, object result) =>
    Console.WriteLine(JsonSerializer.Serialize(new { step, result }, JsonSerializerOptions.Web));
