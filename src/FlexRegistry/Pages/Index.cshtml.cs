using FlexRegistry.Auth;
using Microsoft.AspNetCore.Authorization;

namespace FlexRegistry.Pages;

[Authorize(Policy = Policies.Anyone)]
public sealed class IndexModel : RegistryPage
{
    public override string Title => "Register flexibility assets and participants";

    public void OnGet()
    {
    }
}
