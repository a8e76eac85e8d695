# Realtime edge gateway image. Build from the repository root:
#   docker build -f deploy/docker/edge.Dockerfile -t realtime-edge .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# npm bundles the web client (clients/js) into the edge's wwwroot/js during the build.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
# Restore first, from the project files only, so the layer is reused while only code changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Grains.Interfaces/Grains.Interfaces.csproj src/Grains.Interfaces/
COPY src/Backend/Backend.csproj src/Backend/
COPY src/EdgeGateway/EdgeGateway.csproj src/EdgeGateway/
RUN dotnet restore src/EdgeGateway/EdgeGateway.csproj
COPY src/ src/
COPY clients/js/ clients/js/
RUN dotnet publish src/EdgeGateway/EdgeGateway.csproj -c Release --no-restore -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# Plain "Urls" (not only ASPNETCORE_URLS): appsettings.json sets Urls to localhost and app
# configuration (appsettings, then environment) overrides the ASPNETCORE_-prefixed host settings.
ENV ASPNETCORE_URLS=http://0.0.0.0:3001 \
    Urls=http://0.0.0.0:3001 \
    ASPNETCORE_HTTP_PORTS=
# 3001: hubs, REST API, health and /prometheus.
EXPOSE 3001
# The runtime image has no curl: a bare HTTP/1.0 request through bash's /dev/tcp.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/3001 && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# Non-root: the "app" user the .NET images ship with.
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/Realtime.EdgeGateway.dll"]
