using Microsoft.AspNetCore.Authorization;

namespace FlexRegistry.Pages;

[AllowAnonymous]
public sealed class IndexModel : RegistryPage
{
    public override string Title => "Register flexibility assets and participants";

    public void OnGet()
    {
    }
}
