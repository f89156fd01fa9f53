package gnmi

import (
	"context"
	"regexp"
	"sync"

	gpb "github.com/openconfig/gnmi/proto/gnmi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/gnos/gnos/netconf"
	"github.com/gnos/gnos/yang"
	"github.com/gnos/gnos/yang/state"
)

// Capabilities lists the YANG modules gnos runs with (the core modules,
// every linked plugin's and the state module), the encodings JSON and
// JSON_IETF, and the gNMI version of the proto gnos was built with.
func (s *Server) Capabilities(ctx context.Context, _ *gpb.CapabilityRequest) (*gpb.CapabilityResponse, error) {
	if err := need(ctx, netconf.LevelView, "capabilities"); err != nil {
		return nil, err
	}
	return &gpb.CapabilityResponse{
		SupportedModels:    models(),
		SupportedEncodings: []gpb.Encoding{gpb.Encoding_JSON, gpb.Encoding_JSON_IETF},
		GNMIVersion:        gnmiVersion(),
	}, nil
}

func gnmiVersion() string {
	v, _ := proto.GetExtension(gpb.File_github_com_openconfig_gnmi_proto_gnmi_gnmi_proto.Options(), gpb.E_GnmiService).(string)
	return v
}

var (
	revisionRE = regexp.MustCompile(`(?m)^\s*revision\s+"?(\d{4}-\d{2}-\d{2})`)
	orgRE      = regexp.MustCompile(`(?m)^\s*organization\s*\n?\s*"([^"]*)"`)

	modelsOnce sync.Once
	modelList  []*gpb.ModelData
)

// models reads the modules once: name, organization and newest (first)
// revision from each module's source.
func models() []*gpb.ModelData {
	modelsOnce.Do(func() {
		srcs := yang.Modules()
		srcs = append(srcs, yang.Module{Name: stateModule, Source: state.Source})
		for _, m := range srcs {
			md := &gpb.ModelData{Name: m.Name}
			if r := revisionRE.FindStringSubmatch(m.Source); r != nil {
				md.Version = r[1]
			}
			if o := orgRE.FindStringSubmatch(m.Source); o != nil {
				md.Organization = o[1]
			}
			modelList = append(modelList, md)
		}
	})
	return modelList
}

// checkModels refuses a use_models naming a module gnos does not run.
func (s *Server) checkModels(use []*gpb.ModelData) error {
	for _, u := range use {
		found := false
		for _, m := range models() {
			if m.Name == u.GetName() && (u.GetVersion() == "" || u.GetVersion() == m.Version) {
				found = true
				break
			}
		}
		if !found {
			return status.Errorf(codes.InvalidArgument, "gnmi: model %s %s is not supported", u.GetName(), u.GetVersion())
		}
	}
	return nil
}
