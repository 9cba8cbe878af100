namespace FlexRegistry.Client;
