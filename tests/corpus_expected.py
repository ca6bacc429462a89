"""Component counts per corpus item, established by hand from the files (see each comment), not by running dvsa."""
# How these were established (2 independent ways per number, neither uses dvsa):
#   A) a throwaway script: stdlib zipfile + xml.etree.ElementTree + json, paths compared case-insensitively;
#   B) shell: ls/find/grep -c on the unpacked files, `unzip -Z1` / `unzip -p ... | grep -o` on the zips.
# A and B agreed on every number below.
#
# The corpus has 12 items, not 11: 4 unpacked folders (#1, #3, #4, #5) and 8 zips (#14-#21).
# (`find -iname solution.xml -path '*Other*'` -> 4 hits; `find -name '*.zip'` -> 8 hits.)
#
# General rules used:
# * unpacked: workflows = Workflows/*.data.xml (root <Workflow>); steps = SdkMessageProcessingSteps/*.xml;
#   assemblies = PluginAssemblies/**/*.dll.data.xml; entities = Entities/*/Entity.xml; roles = Roles/*.xml;
#   web resources = WebResources/**/*.data.xml; connection references = <connectionreferences><connectionreference>
#   in Other/Customizations.xml (pac keeps them there: `grep -rl '<connectionreference '` finds no other file).
#   In every unpacked item Other/Customizations.xml has no Workflow/Step/PluginAssembly/Entity/Role/WebResource
#   children (checked), so nothing is counted twice.
# * "Both" unpacks (Managed=2: #3, #4, #5): the only *_managed.xml siblings are AppModule_managed.xml,
#   AppModuleSiteMap_managed.xml and FormXml/**/*_managed.xml; none under Workflows/, SdkMessageProcessingSteps/,
#   PluginAssemblies/, customapis/, Roles/, WebResources/, environmentvariabledefinitions/. No WorkflowId repeats.
# * zip: everything from customizations.xml (<Workflows><Workflow>, <SdkMessageProcessingSteps>, <SolutionPluginAssemblies>,
#   <Entities><Entity>, <Roles><Role>, <WebResources><WebResource>, <connectionreferences>) plus folder entries for
#   customapis/ and environmentvariabledefinitions/.
# * flow_action_calls: every JSON object whose inputs.host.operationId is one of PerformBoundAction,
#   PerformUnboundAction, PerformBoundActionWithOrganization, PerformUnboundActionWithOrganization, walking the whole
#   tree of every Workflows/*.json. Cross-check: grep of '"operationId": *"Perform...Action..."' gives the same total (60).

EXPECTED = {
    # path relative to /work/shared/corpus

    # #1 SolutionPackager 2018 unpack, Managed=0. 21 Workflows/*.xaml.data.xml + 21 .xaml (no .json).
    # Categories by grep of <Category>/<StateCode>: cat0 10 (1 draft: "Initiate Public Affairs Correspondence Approval
    # Request"), cat2 5, cat3 5, cat4 1 = 21, as README says. 7 step files, 1 image (<SdkMessageProcessingStepImage Name="Post">
    # on "Post Update Approval Action"). 1 assembly with 10 PluginTypes, 1 with WorkflowActivityGroupName
    # ("Get Entity Details" = FedBizApps.RequestManagement.Plugins.Workflow.GetEntityDetails).
    # 18 Entities/*/Entity.xml (11 fdbzap_* + 7 system: ActivityMimeAttachment, ActivityPointer, Annotation, Contact,
    # Email, Letter, Task) = 18 RootComponents type 1. 3 roles = 3 type 20. 63 WebResources/**/*.data.xml = 63 type 61
    # (only .data.xml files were copied, the .js/images were not). 21 workflows = 21 type 29. 122 RootComponents, 4 MissingDependency.
    # Steps on action messages (step Name -> action UniqueName, joined on SdkMessageId, braces stripped, lower-cased):
    #   "Post CreateGroupFromSelection Action"           -> CreateGroupFromSelection  ({19c389a2-061c-e811-a95b-000d3a370e23}; step has no PrimaryEntity)
    #   "Post Update Approval Request Regarding Object"  -> ar_update_regardingobject ({2faa6b17-c7f7-e711-a955-000d3a34a1bd}, Name "Update Approval Regarding Object")
    #   "Post Apply Template Group"                      -> ar_applytemplategroup     ({ba14d60c-b407-e811-a959-000d3a1087a0}, Name "Apply Template Group")
    #   "Post Check Status Approval Request"             -> ar_checkstatus            ({be008043-b7f7-e711-a955-000d3a34a1bd}, Name "Check Approval Status")
    #   The other 3 steps are on platform messages: "Post Update Approval Action" (Update 20bebb1b-...), "PreCreate Account"
    #   (Create 9ebdbb1b-..., stage 20) and "Post Create Email" (Create, Mode 1 = the one async step).
    #   The 5th action, TestAction (UniqueName testaction65af6bf90a1ce811a95b000d3a370e23, c13e4f73-...), has no step.
    # XAML calling an action: Workflows/ApprovalRequest-1B6B4B7E-2045-4552-AFD8-4A53F6B9C82B.xaml (cat-0 "Approval Request")
    #   has the single InvokeSdkMessageActivity, SdkMessageName="fdbzap_ar_applytemplategroup",
    #   SdkMessageId="ba14d60c-..." -> action ar_applytemplategroup ("Apply Template Group").
    # Custom activity refs (4, all GetEntityDetails, Version=1.0.0.1): SetTaskTrackingCode-16184195, RequestDepartmentApproval-7ADA21A6,
    #   RequestFinalReview-49153D8F, InitiatePublicAffairsCorrespondenceApprovalRequest-9102877D (the draft workflow).
    "carltoncolter__dyn-req-mgmt/SolutionPackage/package": {
        "unique_name": "FedBizApps_RequestManagement", "version": "0.1.0.60", "managed": 0,
        "workflows": {"workflow": {"active": 9, "draft": 1}, "business_rule": {"active": 5, "draft": 0},
                      "action": {"active": 5, "draft": 0}, "bpf": {"active": 1, "draft": 0}},
        "steps": 7, "step_images": 1, "plugin_assemblies": 1, "plugin_types": 10, "custom_workflow_activities": 1,
        "custom_apis": 0, "custom_api_request_parameters": 0, "custom_api_response_properties": 0,
        "entities": 18, "security_roles": 3, "connection_references": 0, "environment_variables": 0, "web_resources": 63,
        "root_components": 122, "missing_dependencies": 4,
        "steps_on_actions": 4,
        "flow_action_calls": 0,
        "xaml_custom_activity_refs": 4,
        "xaml_invoke_sdk_message": 1,
    },

    # #3 pac "Both" unpack (Managed=2). 26 Workflows/*.data.xml: 25 .json flows (1 draft: BACoreDailyCalculateApprovalTimeouts-5ABBAFC2)
    # + 1 .xaml business rule (IsCancellationRuleSetOverrideApprover-EF77A2CD). Only 25 RootComponents type 29: the business
    # rule is not a root component. 2 assemblies x 1 PluginType each. customapis: cat_EvaluateNodeMessage (3 req params, 1 resp)
    # and cat_GetDynamicParameters (isfunction=1; 1 req, 1 resp) = 8 files. 32 Entity.xml = 32 type 1; 32 web resources = 32 type 61.
    # 4 environmentvariabledefinitions/*/environmentvariabledefinition.xml; cat_ApprovalKitOrgUrl also has an
    # environmentvariablevalues.json (not counted). 6 connection references in Other/Customizations.xml only.
    # Flow calls: 2 x PerformUnboundAction actionName cat_EvaluateNodeMessage.
    "microsoft__powercat-business-approvals-kit/BusinessApprovalKit/SolutionPackage/src": {
        "unique_name": "BusinessApprovalKit", "version": "0.0.0.0", "managed": 2,
        "workflows": {"business_rule": {"active": 1, "draft": 0}, "cloud_flow": {"active": 24, "draft": 1}},
        "steps": 0, "step_images": 0, "plugin_assemblies": 2, "plugin_types": 2, "custom_workflow_activities": 0,
        "custom_apis": 2, "custom_api_request_parameters": 4, "custom_api_response_properties": 2,
        "entities": 32, "security_roles": 0, "connection_references": 6, "environment_variables": 4, "web_resources": 32,
        "root_components": 123, "missing_dependencies": 24,
        "steps_on_actions": 0,
        "flow_action_calls": 2,
        "xaml_custom_activity_refs": 0,
        "xaml_invoke_sdk_message": 0,
    },

    # #4 pac unpack (Managed=2) holding only Other/Solution.xml, Other/Customizations.xml and 5 files under Connectors/
    # (1 RootComponent, a type 372 connector). Nothing countable.
    "microsoft__powercat-business-approvals-kit/Office365Integration/SolutionPackage/src": {
        "unique_name": "Office365Integration", "version": "0.0.0.0", "managed": 2,
        "workflows": {},
        "steps": 0, "step_images": 0, "plugin_assemblies": 0, "plugin_types": 0, "custom_workflow_activities": 0,
        "custom_apis": 0, "custom_api_request_parameters": 0, "custom_api_response_properties": 0,
        "entities": 0, "security_roles": 0, "connection_references": 0, "environment_variables": 0, "web_resources": 0,
        "root_components": 1, "missing_dependencies": 0,
        "steps_on_actions": 0,
        "flow_action_calls": 0,
        "xaml_custom_activity_refs": 0,
        "xaml_invoke_sdk_message": 0,
    },

    # #5 pac "Both" unpack (Managed=2). 90 Workflows/*.data.xml (62 .json + 28 .xaml): cat0 1, cat2 21 (6 draft), cat3 6, cat5 62
    # (1 draft: AgentComplianceStartAdminApproval-B8793268). 89 RootComponents type 29, as FORMAT.md says: the missing one is
    # the business rule ShowPassingGrade-D9E113DF. No steps (the 5 plugin types serve Custom APIs). customapis/: 74 files =
    # 21 customapi.xml + 40 request parameters + 13 response properties (one parameter folder is escaped: reference_20answer).
    # 35 Entity.xml = 35 type 1; 5 roles = 5 type 20; 58 web resources = 58 type 61; 19 env var definitions; 9 connection refs.
    # 58 flow calls (= README): 40 PerformUnboundAction, 14 PerformBoundAction, 3 PerformBoundActionWithOrganization,
    # 1 PerformUnboundActionWithOrganization. No steps, so steps_on_actions is 0 although there are 6 actions.
    "microsoft__Power-CAT-Copilot-Studio-Kit/CopilotStudioAccelerator/SolutionPackage/src": {
        "unique_name": "CopilotStudioAccelerator", "version": "20260130.2", "managed": 2,
        "workflows": {"workflow": {"active": 1, "draft": 0}, "business_rule": {"active": 15, "draft": 6},
                      "action": {"active": 6, "draft": 0}, "cloud_flow": {"active": 61, "draft": 1}},
        "steps": 0, "step_images": 0, "plugin_assemblies": 1, "plugin_types": 5, "custom_workflow_activities": 0,
        "custom_apis": 21, "custom_api_request_parameters": 40, "custom_api_response_properties": 13,
        "entities": 35, "security_roles": 5, "connection_references": 9, "environment_variables": 19, "web_resources": 58,
        "root_components": 284, "missing_dependencies": 122,
        "steps_on_actions": 0,
        "flow_action_calls": 58,
        "xaml_custom_activity_refs": 0,
        "xaml_invoke_sdk_message": 0,
    },

    # #14 zip. customizations.xml: 1 <Workflow> (cat 5, StateCode 1) + 1 <connectionreference> (shared_approvals).
    # Entry environmentvariabledefinitions/powercat_AdminAccount/environmentvariabledefinition.xml. The flow JSON is
    # pretty-printed with CRLF and its only operationId is CreateAnApproval (Approvals connector), so 0 action calls.
    # RootComponents: only the flow (type 29); the env var and the connection reference are not root components.
    "microsoft__powercat-business-approvals-kit/Workshop/assets/ApprovalsConnectorSetup.zip": {
        "unique_name": "ApprovalsConnectorSetup", "version": "1.0.0.1", "managed": 0,
        "workflows": {"cloud_flow": {"active": 1, "draft": 0}},
        "steps": 0, "step_images": 0, "plugin_assemblies": 0, "plugin_types": 0, "custom_workflow_activities": 0,
        "custom_apis": 0, "custom_api_request_parameters": 0, "custom_api_response_properties": 0,
        "entities": 0, "security_roles": 0, "connection_references": 1, "environment_variables": 1, "web_resources": 0,
        "root_components": 1, "missing_dependencies": 0,
        "steps_on_actions": 0,
        "flow_action_calls": 0,
        "xaml_custom_activity_refs": 0,
        "xaml_invoke_sdk_message": 0,
    },

    # #15 zip (CRM 8.2). customizations.xml: 1 <PluginAssembly>, 48 <PluginType>, 48 <WorkflowActivityGroupName>.
    "demianrasko__Dynamics-365-Workflow-Tools/Dynamics365WorkflowTools_1_0_38_0.zip": {
        "unique_name": "Dynamics365WorkflowTools", "version": "1.0.38.0", "managed": 0,
        "workflows": {},
        "steps": 0, "step_images": 0, "plugin_assemblies": 1, "plugin_types": 48, "custom_workflow_activities": 48,
        "custom_apis": 0, "custom_api_request_parameters": 0, "custom_api_response_properties": 0,
        "entities": 0, "security_roles": 0, "connection_references": 0, "environment_variables": 0, "web_resources": 0,
        "root_components": 1, "missing_dependencies": 0,
        "steps_on_actions": 0,
        "flow_action_calls": 0,
        "xaml_custom_activity_refs": 0,
        "xaml_invoke_sdk_message": 0,
    },

    # #16 zip, same counts as #15. Extra entry filteredcomponents.xml (an empty <Components xmlns="http://schemas.microsoft.com/crm/2009/"/>),
    # not mentioned in FORMAT.md; it holds nothing to count.
    "demianrasko__Dynamics-365-Workflow-Tools/Dynamics365WorkflowTools_1_0_38_0_target_CRM_8.0.zip": {
        "unique_name": "Dynamics365WorkflowTools", "version": "1.0.38.0", "managed": 0,
        "workflows": {},
        "steps": 0, "step_images": 0, "plugin_assemblies": 1, "plugin_types": 48, "custom_workflow_activities": 48,
        "custom_apis": 0, "custom_api_request_parameters": 0, "custom_api_response_properties": 0,
        "entities": 0, "security_roles": 0, "connection_references": 0, "environment_variables": 0, "web_resources": 0,
        "root_components": 1, "missing_dependencies": 0,
        "steps_on_actions": 0,
        "flow_action_calls": 0,
        "xaml_custom_activity_refs": 0,
        "xaml_invoke_sdk_message": 0,
    },

    # #17 zip (CRM 2011, managed). 1 assembly, 6 PluginTypes (AccountNumber, Advanced, Followup, PostEvent, PreEvent,
    # WebClient); no <SdkMessageProcessingSteps> at all.
    "microsoft__Dynamics365-Apps-Samples/samples-from-msdn/Plug-ins/Sample_AdvancedPlugins_1_0_0_0_managed.zip": {
        "unique_name": "Sample_AdvancedPlugins", "version": "1.0.0.0", "managed": 1,
        "workflows": {},
        "steps": 0, "step_images": 0, "plugin_assemblies": 1, "plugin_types": 6, "custom_workflow_activities": 0,
        "custom_apis": 0, "custom_api_request_parameters": 0, "custom_api_response_properties": 0,
        "entities": 0, "security_roles": 0, "connection_references": 0, "environment_variables": 0, "web_resources": 0,
        "root_components": 1, "missing_dependencies": 0,
        "steps_on_actions": 0,
        "flow_action_calls": 0,
        "xaml_custom_activity_refs": 0,
        "xaml_invoke_sdk_message": 0,
    },

    # #18 zip (managed). 1 step on CalculatePrice ({6c9b0335-...}); it has an empty <SdkMessageProcessingStepImages />,
    # so 0 images. No PluginTypeId, no PrimaryEntity (as README says). 1 assembly, 1 type. No actions -> 0 steps on actions.
    "microsoft__Dynamics365-Apps-Samples/samples-from-msdn/CustomPricePlug-In/SampleCalculatePricePlugin_1_0_0_0_managed.zip": {
        "unique_name": "SampleCalculatePricePlugin", "version": "1.0.0.0", "managed": 1,
        "workflows": {},
        "steps": 1, "step_images": 0, "plugin_assemblies": 1, "plugin_types": 1, "custom_workflow_activities": 0,
        "custom_apis": 0, "custom_api_request_parameters": 0, "custom_api_response_properties": 0,
        "entities": 0, "security_roles": 0, "connection_references": 0, "environment_variables": 0, "web_resources": 0,
        "root_components": 2, "missing_dependencies": 0,
        "steps_on_actions": 0,
        "flow_action_calls": 0,
        "xaml_custom_activity_refs": 0,
        "xaml_invoke_sdk_message": 0,
    },

    # #19 zip (managed): 1 <Entity>; zip holds only customizations.xml, solution.xml, [Content_Types].xml. Path has spaces.
    "microsoft__Dynamics365-Apps-Samples/samples-from-msdn/Change Tracking Sample/Solution/ChangeTrackingSample_1_0_0_0_managed.zip": {
        "unique_name": "ChangeTrackingSample", "version": "1.0.0.0", "managed": 1,
        "workflows": {},
        "steps": 0, "step_images": 0, "plugin_assemblies": 0, "plugin_types": 0, "custom_workflow_activities": 0,
        "custom_apis": 0, "custom_api_request_parameters": 0, "custom_api_response_properties": 0,
        "entities": 1, "security_roles": 0, "connection_references": 0, "environment_variables": 0, "web_resources": 0,
        "root_components": 1, "missing_dependencies": 0,
        "steps_on_actions": 0,
        "flow_action_calls": 0,
        "xaml_custom_activity_refs": 0,
        "xaml_invoke_sdk_message": 0,
    },

    # #20 zip (managed): 1 <Entity>; same three entries as #19.
    "microsoft__Dynamics365-Apps-Samples/samples-from-msdn/Upsert/Solution/UpsertSample_1_0_0_0_managed.zip": {
        "unique_name": "UpsertSample", "version": "1.0.0.0", "managed": 1,
        "workflows": {},
        "steps": 0, "step_images": 0, "plugin_assemblies": 0, "plugin_types": 0, "custom_workflow_activities": 0,
        "custom_apis": 0, "custom_api_request_parameters": 0, "custom_api_response_properties": 0,
        "entities": 1, "security_roles": 0, "connection_references": 0, "environment_variables": 0, "web_resources": 0,
        "root_components": 1, "missing_dependencies": 0,
        "steps_on_actions": 0,
        "flow_action_calls": 0,
        "xaml_custom_activity_refs": 0,
        "xaml_invoke_sdk_message": 0,
    },

    # #21 zip (managed). 1 <Entity> (sample_ticket), 3 <WebResource> (2 .js + 1 .htm, zip entries WebResources/<name-without-dots><GUID>),
    # 7 RootComponents (1 entity, 3 type 60, 3 type 61). Also has the empty filteredcomponents.xml like #16.
    "microsoft__Dynamics365-Apps-Samples/samples-from-msdn/DependentOptionSets/DependentOptionSets/DependentOptionSetsSample_2_0_0_0_target_CRM_8.0_managed.zip": {
        "unique_name": "DependentOptionSetsSample", "version": "2.0.0.0", "managed": 1,
        "workflows": {},
        "steps": 0, "step_images": 0, "plugin_assemblies": 0, "plugin_types": 0, "custom_workflow_activities": 0,
        "custom_apis": 0, "custom_api_request_parameters": 0, "custom_api_response_properties": 0,
        "entities": 1, "security_roles": 0, "connection_references": 0, "environment_variables": 0, "web_resources": 3,
        "root_components": 7, "missing_dependencies": 0,
        "steps_on_actions": 0,
        "flow_action_calls": 0,
        "xaml_custom_activity_refs": 0,
        "xaml_invoke_sdk_message": 0,
    },
}
