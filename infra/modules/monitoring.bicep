// Log Analytics + workspace-based Application Insights (local authentication off: the app and the host
// send with the managed identity), and the Stageline workbook (infra/workbook.json, one panel per seed metric).
param location string
param tags object
param logAnalyticsName string
param applicationInsightsName string

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.11.1' = {
  name: 'log-analytics'
  params: {
    name: logAnalyticsName
    location: location
    tags: tags
    dataRetention: 30
  }
}

module applicationInsights 'br/public:avm/res/insights/component:0.6.0' = {
  name: 'application-insights'
  params: {
    name: applicationInsightsName
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    disableLocalAuth: true
  }
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, applicationInsightsName, 'stageline-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Stageline'
    category: 'workbook'
    sourceId: applicationInsights.outputs.resourceId
    serializedData: loadTextContent('../workbook.json')
  }
}

output applicationInsightsName string = applicationInsights.outputs.name
output connectionString string = applicationInsights.outputs.connectionString
