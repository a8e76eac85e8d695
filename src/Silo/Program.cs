using Realtime.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddRealtimeSilo();

var app = builder.Build();
app.MapRealtimeSilo();
app.Run();
