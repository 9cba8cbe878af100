using FlexRegistry;
using FlexRegistry.Persistence;

// Configuration files ship beside the binaries; data files (SQLite, keys) stay relative to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// The documented default address; --urls or ASPNETCORE_URLS override it.
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    builder.WebHost.UseUrls("http://127.0.0.1:5080");

builder.Services.AddRegistry(builder.Configuration);

var app = builder.Build();
app.UseRegistry();
await app.Services.PrepareDatabaseAsync();
await app.RunAsync();

/// <summary>Entry point; public so WebApplicationFactory can host the real app in tests.</summary>
public partial class Program;
