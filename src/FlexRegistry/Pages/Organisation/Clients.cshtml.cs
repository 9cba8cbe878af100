using System.Text.Json;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Organisation;

/// <summary>
/// BUC.4 step 4 (clients): create (the secret shown once), upload a JWKS, suspend and reinstate, through
/// <see cref="ManageApiClients"/>, the use case of <c>/api/v1/participants/{id}/clients</c>.
/// </summary>
[Authorize(Policy = PagePolicies.UsersManage)]
public sealed class ApiClientsModel(ManageApiClients clients, ParticipantQueries participants) : RegistryPage
{
    public override string Title => "API clients";

    public IReadOnlyList<ApiClientResponse> Clients { get; private set; } = [];
    public IReadOnlyList<string> AllowedPermissions { get; private set; } = [];
    public CreateApiClientResponse? Created { get; private set; }
    public string? Name { get; private set; }
    public string? Jwks { get; private set; }
    public string? KeysClientId { get; private set; }
    public IReadOnlyList<string> Permissions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(string? name, List<string>? permissions, string? jwks, CancellationToken ct)
    {
        (Name, Permissions, Jwks) = (name, permissions ?? [], jwks);
        var keys = ParseJwks("jwks", jwks);
        if (Errors.Count == 0)
        {
            var failed = await RunAsync(async () => Created = await clients.CreateAsync(Caller.ParticipantId,
                new CreateApiClientRequest { Name = name, Permissions = permissions ?? [], Jwks = keys }, Caller, ct));
            if (failed is null)
                (Name, Permissions, Jwks) = (null, [], null);
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostKeysAsync(string? keysClientId, string? keysJwks, CancellationToken ct)
    {
        KeysClientId = keysClientId;
        var keys = ParseJwks("keysJwks", keysJwks);
        if (Errors.Count == 0 && await RunAsync(() => clients.ReplaceKeysAsync(Caller.ParticipantId, keysClientId ?? "",
                new ReplaceApiClientKeysRequest { Jwks = keys }, Caller, ct)) is null)
            return RedirectToPage();
        await LoadAsync(ct);
        return Page();
    }

    public Task<IActionResult> OnPostSuspendAsync(string clientId, CancellationToken ct) =>
        ChangeAsync(() => clients.SuspendAsync(Caller.ParticipantId, clientId, Caller, ct), ct);

    public Task<IActionResult> OnPostReinstateAsync(string clientId, CancellationToken ct) =>
        ChangeAsync(() => clients.ReinstateAsync(Caller.ParticipantId, clientId, Caller, ct), ct);

    private async Task<IActionResult> ChangeAsync(Func<Task> change, CancellationToken ct)
    {
        if (await RunAsync(change) is null)
            return RedirectToPage();
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>The pasted key set as the JSON the API would receive; text that is not JSON is an error on its field.</summary>
    private JsonElement? ParseJwks(string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            AddError(field, CommonErrors.MalformedJson.Code, "The public keys must be a JSON Web Key Set, like {\"keys\": [ … ]}");
            return null;
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var caller = Caller;
        Clients = (await clients.ListAsync(caller.ParticipantId, caller, ct)).Items;
        AllowedPermissions = Scopes.AllowedFor((await participants.GetAsync(caller.ParticipantId, caller, ct)).Roles);
    }
}
