using Warden.Policy.Schemas;

namespace Warden.Policy.Validation;

/// <summary>
/// One combination the schema allows: a principal type, an action, a resource type and that action's context. A
/// policy is type-checked once per environment.
/// </summary>
/// <param name="PrincipalType">Fully qualified principal entity type.</param>
/// <param name="Action">The action.</param>
/// <param name="ResourceType">Fully qualified resource entity type.</param>
/// <param name="Context">The action's context type.</param>
internal sealed record RequestEnvironment(string PrincipalType, SchemaAction Action, string ResourceType, VRecord Context)
{
    /// <summary>The action as an entity uid.</summary>
    public VEntity ActionUid { get; } = new(Action.Type, Action.Id);

    /// <summary>Every environment of <paramref name="schema"/>, in a stable order.</summary>
    public static IEnumerable<RequestEnvironment> All(Schema schema, TypeLattice lattice)
    {
        foreach (var action in schema.ActionDeclarations)
        {
            var context = (VRecord)lattice.FromDeclared(action.Context);
            foreach (var principal in action.PrincipalTypes)
            {
                foreach (var resource in action.ResourceTypes)
                {
                    yield return new RequestEnvironment(principal, action, resource, context);
                }
            }
        }
    }

    /// <summary>How many environments <paramref name="schema"/> has.</summary>
    public static long Count(Schema schema) =>
        schema.ActionDeclarations.Sum(a => (long)a.PrincipalTypes.Length * a.ResourceTypes.Length);

    /// <inheritdoc />
    public override string ToString() => $"principal: {PrincipalType}, action: {ActionUid}, resource: {ResourceType}";
}
