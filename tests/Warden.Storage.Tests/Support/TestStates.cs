using System.Collections.Immutable;

namespace Warden.Storage.Tests.Support;

/// <summary>
/// A state shaped like Warden's: an immutable record with Orleans ids. Its collection is a concrete immutable
/// type: Orleans' default grain storage serializer (Newtonsoft JSON with type names) writes the runtime type of an
/// interface-typed property, and the types a collection expression makes for <c>IReadOnlyList&lt;T&gt;</c>
/// (<c>&lt;&gt;z__ReadOnlyArray</c>) cannot be read back.
/// </summary>
[GenerateSerializer, Immutable, Alias("warden.tests.note-state")]
public sealed record NoteState([property: Id(0)] string Text, [property: Id(1)] int Revision, [property: Id(2)] ImmutableArray<string> Tags)
{
    public NoteState()
        : this(string.Empty, 0, [])
    {
    }
}
