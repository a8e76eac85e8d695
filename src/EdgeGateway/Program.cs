using Realtime.EdgeGateway.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddRealtimeEdge();

var app = builder.Build();
app.MapRealtimeEdge();
app.Run();
