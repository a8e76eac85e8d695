using Microsoft.AspNetCore.SignalR;
using Realtime.BareHub;

// The bare reference of the load test (bench/Realtime.LoadTest): stock SignalR, no Orleans.
//   dotnet bench/Realtime.BareHub/bin/Release/net10.0/Realtime.BareHub.dll --urls http://127.0.0.1:5099
//   WebSocket /hub?group=g                          joins group g, then gets "connected"
//   POST /broadcast?group=g&seq=1&sentAt=<unix us>[&name=bench:warmup]  Clients.Group(g).SendAsync(name ?? "bench:tick", { seq, sentAt })
//   GET /health/ready                               200 once serving
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSignalR().AddMessagePackProtocol();

var app = builder.Build();
app.UseWebSockets();
app.MapHub<BenchHub>("/hub");
app.MapGet("/health/ready", () => Results.Ok());
app.MapPost("/broadcast", async (string group, long seq, long sentAt, string? name, IHubContext<BenchHub> hub) =>
{
    // A dictionary serializes as the same map in JSON and MessagePack: { seq, sentAt }.
    await hub.Clients.Group(group).SendAsync(name ?? "bench:tick", new Dictionary<string, long> { ["seq"] = seq, ["sentAt"] = sentAt });
    return Results.Accepted();
});
app.Run();
