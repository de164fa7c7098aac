namespace Warden.Host.Hosting;

/// <summary>Short command-line switches for the usual settings, mapped onto the <c>Warden</c> section.</summary>
public static class CommandLineSwitches
{
    /// <summary>Switch → configuration key.</summary>
    public static IDictionary<string, string> Mappings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--listen"] = "Warden:ListenAddress",
        ["--grpc-port"] = "Warden:GrpcPort",
        ["--http-port"] = "Warden:HttpPort",
        ["--data"] = "Warden:DataPath",
        ["--data-path"] = "Warden:DataPath",
        ["--storage"] = "Warden:Storage:Mode",
        ["--operator-key-file"] = "Warden:OperatorKeyFile",
        ["--silo-port"] = "Warden:Cluster:SiloPort",
        ["--gateway-port"] = "Warden:Cluster:GatewayPort",
    };
}
