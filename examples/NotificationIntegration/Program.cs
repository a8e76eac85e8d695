// Sends example notifications of each type to a running cluster (./run.sh), as a backend service would.
//
//   dotnet run --project examples/NotificationIntegration -- [workspaceId] [userId]
//
// Open http://localhost:3001 clients for that user (see README) to watch them arrive. The cluster
// is the one ./run.sh starts (the Cluster defaults); set Cluster__* to reach another, as the edges do.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Realtime.Backend;
using Realtime.Grains.Notifications;
using Realtime.Grains.Presence;

var workspaceId = args.ElementAtOrDefault(0) ?? "w1";
var userId = args.ElementAtOrDefault(1) ?? "alice";

var builder = Host.CreateApplicationBuilder();
builder.AddRealtimeCluster();
using var host = builder.Build();
await host.StartAsync();

var notifications = host.Services.GetRequiredService<NotificationService>();
var presence = host.Services.GetRequiredService<PresenceService>();

// PostService.onPostPublished: tell the author.
var published = await notifications.SendPostPublishedNotification(userId, workspaceId, "Spring launch", new { postId = "post_123", platforms = new[] { "instagram", "linkedin" } });
Console.WriteLine($"post published -> {userId}: {published.Id}");

// A mention and an approval request.
await notifications.SendMentionNotification(userId, workspaceId, "bob", "@alice can you check the caption?", new { commentId = "comment_9" });
await notifications.SendApprovalNotification(userId, workspaceId, "carol", "Friday's campaign", new { postId = "post_124" });

// CrisisDetectionService.onCrisisDetected: everyone in the workspace, offline members included.
var crisis = await notifications.SendCrisisAlert(workspaceId, "Negative sentiment spike on the launch post", new
{
    severity = "high",
    mentionCount = 412,
    sentimentScore = -0.73,
});
Console.WriteLine($"crisis alert -> workspace {workspaceId}: #{crisis.Sequence}");

// Inbox SLA escalation to the assignee.
await notifications.SendSlaEscalationNotification(userId, workspaceId, "conv_123", TimeSpan.FromMinutes(45));

var page = await notifications.GetNotifications(userId, workspaceId, limit: 10);
Console.WriteLine($"{userId} has {page.UnreadCount} unread; online now: {await presence.IsUserOnline(workspaceId, userId)}");

await host.StopAsync();
