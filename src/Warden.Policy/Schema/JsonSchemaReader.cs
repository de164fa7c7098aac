namespace Warden.Policy.Schemas;

/// <summary>Reads the JSON schema format into declarations.</summary>
internal static class JsonSchemaReader
{
    /// <summary>Reads <paramref name="json"/>.</summary>
    public static List<NamespaceDeclaration> Read(string json) =>
        throw new SchemaException("the JSON schema format is not supported yet");
}
