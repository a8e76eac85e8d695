# Realtime silo image. Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile -t realtime-silo .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so the layer is reused while only code changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Grains.Interfaces/Grains.Interfaces.csproj src/Grains.Interfaces/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Silo/Silo.csproj src/Silo/
RUN dotnet restore src/Silo/Silo.csproj
COPY src/ src/
RUN dotnet publish src/Silo/Silo.csproj -c Release --no-restore -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
COPY --chmod=755 deploy/docker/silo-entrypoint.sh /usr/local/bin/silo-entrypoint.sh
# Plain "Urls" (not only ASPNETCORE_URLS): appsettings.json sets Urls to loopback and app
# configuration (appsettings, then environment) overrides the ASPNETCORE_-prefixed host settings.
ENV ASPNETCORE_URLS=http://0.0.0.0:3101 \
    Urls=http://0.0.0.0:3101 \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_gcServer=1
# 3101 health and /prometheus, 11111 silo-to-silo, 30000 gateway (edges).
EXPOSE 3101 11111 30000
# The runtime image has no curl: a bare HTTP/1.0 request through bash's /dev/tcp.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/3101 && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# Non-root: the "app" user the .NET images ship with.
USER $APP_UID
ENTRYPOINT ["/usr/local/bin/silo-entrypoint.sh"]
